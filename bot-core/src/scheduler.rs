//! The scheduler: turns due reminders into nudges in the outbox, each exactly once.
//!
//! A worker claims due reminders with a lease, and for each writes the nudge to the outbox
//! and marks the reminder fired in one transaction, keyed by (reminder, occurrence): a crash
//! anywhere leaves either nothing done (the lease runs out, another worker claims it) or
//! everything done (the outbox delivers it). After downtime an overdue reminder fires once,
//! marked late. Automatic nudges that fall in the person's quiet hours wait for their end;
//! a time the person chose is honoured. Idle means idle: the loop sleeps until the next due
//! instant or a wake-up, never longer than a ceiling, and calls nothing while it sleeps.

use crate::message::{Button, ChatRef, Outbound};
use crate::store::{self, Nudge, Reminder, Store, StoreError};
use crate::understand::time::resolve_local;
use chrono::{DateTime, Duration as ChronoDuration, NaiveDateTime, NaiveTime, Utc};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// How long a claimed reminder is ours before another worker may take it.
const LEASE: Duration = Duration::from_secs(60);
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

/// Hours in which automatic nudges wait (default 22:00–08:00 local), across midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Default for QuietHours {
    fn default() -> Self {
        Self {
            start: NaiveTime::from_hms_opt(22, 0, 0).expect("22:00 is a valid time"),
            end: NaiveTime::from_hms_opt(8, 0, 0).expect("08:00 is a valid time"),
        }
    }
}

impl QuietHours {
    /// Whether a local time of day is quiet.
    pub fn contains(&self, t: NaiveTime) -> bool {
        if self.start <= self.end {
            self.start <= t && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }

    /// The first moment after `local` when the quiet hours end.
    pub fn end_after(&self, local: NaiveDateTime) -> NaiveDateTime {
        let today_end = local.date().and_time(self.end);
        if today_end > local {
            today_end
        } else {
            today_end + ChronoDuration::days(1)
        }
    }
}

/// Fires due reminders. One per process; several processes may share a database.
pub struct Scheduler {
    store: Store,
    owner: String,
    quiet: QuietHours,
    wake: Arc<Notify>,
}

impl Scheduler {
    /// A scheduler working as `owner` (a name unique to this process, used in leases).
    pub fn new(store: Store, owner: impl Into<String>) -> Self {
        Self {
            store,
            owner: owner.into(),
            quiet: QuietHours::default(),
            wake: Arc::new(Notify::new()),
        }
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
                .claim_due_reminders(&self.owner, LEASE, now, 100)
                .await?;
            if batch.is_empty() {
                return Ok(written);
            }
            // One transaction per batch; one chat lookup per person and chat.
            let mut chats: HashMap<(i64, Option<i64>), Option<ChatRef>> = HashMap::new();
            let mut nudges = Vec::with_capacity(batch.len());
            for reminder in batch {
                let local = now.with_timezone(&reminder.timezone).naive_local();
                if !reminder.explicit_time && self.quiet.contains(local.time()) {
                    let end = resolve_local(reminder.timezone, self.quiet.end_after(local));
                    self.store
                        .postpone_reminder(reminder.id, &self.owner, end.with_timezone(&Utc))
                        .await?;
                    continue;
                }
                let key = (reminder.user_id, reminder.chat_id);
                let chat = match chats.get(&key) {
                    Some(chat) => chat.clone(),
                    None => {
                        let chat = self.store.nudge_chat(&reminder).await?;
                        chats.insert(key, chat.clone());
                        chat
                    }
                };
                let Some(chat) = chat else {
                    tracing::warn!(reminder = reminder.id, "no direct chat to nudge in");
                    self.store.fail_reminder(reminder.id, &self.owner).await?;
                    continue;
                };
                let message = nudge(&reminder, now);
                nudges.push(Nudge {
                    reminder,
                    chat,
                    message,
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

/// The nudge for a reminder fired at `now`, with its buttons. A follow-up asks for news;
/// anything else reminds.
fn nudge(reminder: &Reminder, now: DateTime<Utc>) -> Outbound {
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
    let id = reminder.id;
    let button = |label: &str, action: String| Button {
        label: label.to_owned(),
        payload: format!("{}{action}", payload::PREFIX),
    };
    let buttons = if reminder.kind == "follow_up" {
        vec![
            button("✅ Heard back", format!("heard:{id}")),
            button("💤 Snooze 3 days", format!("snooze:{id}:259200")),
            button("🛑 Stop nudging", format!("stop:{id}")),
        ]
    } else {
        vec![
            button("✅ Done", format!("done:{id}")),
            button("💤 Snooze 1 day", format!("snooze:{id}:86400")),
            button("🛑 Stop", format!("stop:{id}")),
        ]
    };
    Outbound::with_buttons(text, buttons)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("test times are valid")
    }

    #[test]
    fn quiet_hours_across_midnight() {
        let q = QuietHours::default();
        assert!(q.contains(t(22, 0)));
        assert!(q.contains(t(23, 59)));
        assert!(q.contains(t(0, 0)));
        assert!(q.contains(t(7, 59)));
        assert!(!q.contains(t(8, 0)));
        assert!(!q.contains(t(21, 59)));
        let late = chrono::NaiveDate::from_ymd_opt(2026, 11, 24)
            .expect("a valid date")
            .and_time(t(23, 30));
        assert_eq!(
            q.end_after(late),
            late.date()
                .succ_opt()
                .expect("a next day")
                .and_time(t(8, 0))
        );
        let early = late.date().and_time(t(6, 0));
        assert_eq!(q.end_after(early), early.date().and_time(t(8, 0)));
    }

    #[test]
    fn daytime_quiet_hours() {
        let q = QuietHours {
            start: t(12, 0),
            end: t(13, 0),
        };
        assert!(q.contains(t(12, 30)));
        assert!(!q.contains(t(13, 0)));
        assert!(!q.contains(t(23, 0)));
    }
}
