//! The scheduler: turns due reminders into nudges in the outbox, each exactly once.
//!
//! A worker claims due reminders with a lease, and for each writes the nudge to the outbox
//! and marks the reminder fired in one transaction, keyed by (reminder, occurrence): a crash
//! anywhere leaves either nothing done (the lease runs out, another worker claims it) or
//! everything done (the outbox delivers it). After downtime an overdue reminder fires once,
//! marked late. Automatic nudges that fall in the person's quiet hours wait for their end;
//! a time the person chose is honoured. Idle means idle: the loop sleeps until the next due
//! instant or a wake-up, never longer than a ceiling, and calls nothing while it sleeps.

use crate::fault;
use crate::message::{Button, Outbound};
use crate::outbox::OutboxSender;
use crate::recurrence::Recurrence;
use crate::store::{self, NextOccurrence, Nudge, Reminder, Store, StoreError};
use crate::understand::time::resolve_local;
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// How long a claimed reminder is ours before another worker may take it (default).
pub const LEASE: Duration = Duration::from_secs(60);
/// The longest the loop sleeps without looking (a reminder added by another process).
const CEILING: Duration = Duration::from_secs(30);
/// A nudge sent later than this after its due time says so.
const LATE_AFTER: ChronoDuration = ChronoDuration::minutes(10);

/// Button payloads of a nudge: `rem:done:<id>`, `rem:heard:<id>` (a follow-up's "heard
/// back"), `rem:snooze:<id>:<seconds>`, `rem:stop:<id>`.
pub mod payload {
    /// Prefix shared by every reminder button.
    pub const PREFIX: &str = "rem:";
}

/// Reminders claimed per batch: one set-based transaction fires them all.
const BATCH: i64 = 500;

/// Fires due reminders. One per process; several processes may share a database.
pub struct Scheduler {
    store: Store,
    owner: String,
    lease: Duration,
    wake: Arc<Notify>,
}

impl Scheduler {
    /// A scheduler working as `owner` (a name unique to this process, used in leases).
    pub fn new(store: Store, owner: impl Into<String>) -> Self {
        Self {
            store,
            owner: owner.into(),
            lease: LEASE,
            wake: Arc::new(Notify::new()),
        }
    }

    /// Hold claimed reminders for `lease` instead of [`LEASE`]: how soon another worker
    /// takes over from one that died.
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Notify this to make the loop look again now (a reminder was just added).
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// Fire everything due at `now`. Returns the outbox rows written, for delivery.
    pub async fn tick(&self, now: DateTime<Utc>) -> Result<Vec<i64>, StoreError> {
        let mut written = Vec::new();
        loop {
            let batch = self
                .store
                .claim_due_reminders(&self.owner, self.lease, now, BATCH)
                .await?;
            if batch.is_empty() {
                return Ok(written);
            }
            fault::pause_at(fault::Point::AfterClaim);
            let users: Vec<i64> = batch.iter().map(|r| r.user_id).collect();
            let prefs = self.store.nudge_preferences(&users).await?;
            let mut chats = self.store.nudge_chats(&batch).await?;
            let mut nudges = Vec::with_capacity(batch.len());
            for reminder in batch {
                let local = now.with_timezone(&reminder.timezone).naive_local();
                let quiet = prefs.get(&reminder.user_id).copied().unwrap_or_default();
                if !reminder.explicit_time && quiet.is_quiet(local.time()) {
                    let end = resolve_local(reminder.timezone, quiet.quiet_end_after(local))
                        .with_timezone(&Utc);
                    // An end that resolves to the past (the repeated hour when clocks go
                    // back) would postpone it for ever: it fires now instead.
                    if end > now {
                        self.store
                            .postpone_reminder(reminder.id, &self.owner, end)
                            .await?;
                        continue;
                    }
                }
                let (missed, next) = series_after(&reminder, local);
                let Some(chat) = chats.remove(&reminder.id) else {
                    tracing::warn!(reminder = reminder.id, "no direct chat to nudge in");
                    match next {
                        // A series outlives a chat that is closed for now: this occurrence
                        // is skipped, the next one tries again.
                        Some(next) => {
                            self.store
                                .skip_occurrence(&reminder, &self.owner, next)
                                .await?
                        }
                        None => self.store.fail_reminder(reminder.id, &self.owner).await?,
                    }
                    continue;
                };
                let message = nudge(&reminder, now, missed);
                nudges.push(Nudge {
                    reminder,
                    chat,
                    message,
                    next,
                });
            }
            let fired = self.store.fire_reminders(&self.owner, &nudges).await?;
            written.extend(fired.into_iter().flatten());
        }
    }

    /// Fire reminders as they come due, for ever; `on_fired` is told of each batch (to wake
    /// the outbox sender). Store errors are logged and retried after a pause.
    pub async fn run(&self, on_fired: impl Fn(&[i64])) {
        loop {
            match self.tick(store::now()).await {
                Ok(ids) if !ids.is_empty() => on_fired(&ids),
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "scheduler tick failed; retrying"),
            }
            let sleep = match self.store.next_reminder_due().await {
                Ok(Some(next)) => (next - store::now())
                    .to_std()
                    .unwrap_or(Duration::ZERO)
                    .min(CEILING),
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

/// For a recurring reminder fired at local time `local`: how many later occurrences are
/// already past (coalesced into this nudge) and the occurrence it moves on to.
fn series_after(
    reminder: &Reminder,
    local: chrono::NaiveDateTime,
) -> (usize, Option<NextOccurrence>) {
    let Some(rule) = &reminder.rrule else {
        return (0, None);
    };
    match Recurrence::parse(rule) {
        Ok(rule) => {
            let caught = rule.catch_up(reminder.local_time, local);
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
    /// is woken when a batch fires, and looks anyway within a ceiling for rows another
    /// process wrote. The one loop `jtp run` and the terminal chat both use.
    pub async fn run_with_senders(&self, senders: &[OutboxSender]) {
        // One wake-up per sender: `notify_one` keeps a permit for a sender that is busy
        // draining, so a batch fired meanwhile is not left for the ceiling.
        let wakes: Vec<Notify> = senders.iter().map(|_| Notify::new()).collect();
        let delivering = senders.iter().zip(&wakes).map(|(sender, wake)| async move {
            loop {
                if let Err(err) = sender.drain_due().await {
                    tracing::warn!(error = %err, "could not deliver; retrying");
                }
                let idle = sender.idle_for(SENDER_CEILING).await;
                let _ = tokio::time::timeout(idle, wake.notified()).await;
            }
        });
        tokio::join!(
            self.run(|_| wakes.iter().for_each(Notify::notify_one)),
            futures::future::join_all(delivering)
        );
    }
}

/// The nudge for a reminder fired at `now`, with its buttons. A follow-up asks for news;
/// anything else reminds. `missed` earlier occurrences of a recurring reminder (downtime)
/// are folded into this one message rather than sent as a storm.
fn nudge(reminder: &Reminder, now: DateTime<Utc>, missed: usize) -> Outbound {
    let mut text = match reminder.kind.as_str() {
        "custom" | "recurring" => format!("⏰ Reminder: {}", reminder.text),
        _ => format!("👋 {}", reminder.text),
    };
    if now - reminder.due_at > LATE_AFTER {
        let due = reminder.due_at.with_timezone(&reminder.timezone);
        text.push_str(&format!(
            "\n(This was due {}; I could not send it on time.)",
            due.format("%a %d %b, %H:%M")
        ));
    }
    if missed > 0 {
        let times = if missed == 1 { "time" } else { "times" };
        text.push_str(&format!(
            "\n(It also came round {missed} more {times} while I was away — one message for all.)"
        ));
    }
    let id = reminder.id;
    let button = |label: &str, action: String| Button {
        label: label.to_owned(),
        payload: format!("{}{action}", payload::PREFIX),
    };
    let buttons = match reminder.kind.as_str() {
        "follow_up" => vec![
            button("✅ Heard back", format!("heard:{id}")),
            button("💤 Snooze 3 days", format!("snooze:{id}:259200")),
            button("🛑 Stop nudging", format!("stop:{id}")),
        ],
        // The series goes on by itself: done acknowledges, stop ends it.
        "recurring" => vec![
            button("✅ Done", format!("done:{id}")),
            button("🛑 Stop repeating", format!("stop:{id}")),
        ],
        _ => vec![
            button("✅ Done", format!("done:{id}")),
            button("💤 Snooze 1 day", format!("snooze:{id}:86400")),
            button("🛑 Stop", format!("stop:{id}")),
        ],
    };
    Outbound::with_buttons(text, buttons)
}
