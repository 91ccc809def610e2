//! Reminders in conversation: "remind me …", "show my reminders", "snooze 2 days", and the
//! buttons on a nudge (done, heard back, snooze, stop). All through the `reminders` tools; button payloads are checked
//! against the person's own reminders before anything happens.

use super::actions::{Result, Turn, say};
use super::{Answer, Core, replies};
use crate::recurrence::describe;
use crate::scheduler::payload::PREFIX;
use crate::store::ReminderState;
use crate::tools::ReminderView;
use crate::understand::time::resolve_local;
use crate::understand::{Intent, Slots};
use chrono::{DateTime, Duration, Utc};

/// The longest snooze: a year.
const MAX_SNOOZE_SECONDS: i64 = 366 * 86_400;

impl Core {
    pub(super) async fn set_reminder(&self, turn: &mut Turn, slots: Slots) -> Result<Answer> {
        let intent = Intent::SetReminder;
        let when = match (slots.when, &slots.repeat) {
            (Some(when), _) => Some(when),
            // "every Monday, remind me to review my pipeline": 09:00 from tomorrow on.
            (None, Some(_)) => {
                let tomorrow = turn.now.with_timezone(&turn.tz).date_naive() + Duration::days(1);
                let nine = tomorrow
                    .and_hms_opt(9, 0, 0)
                    .expect("09:00 is a valid time");
                Some(resolve_local(turn.tz, nine).fixed_offset())
            }
            (None, None) => None,
        };
        let Some(when) = when else {
            return Ok(say(
                intent,
                "When should I remind you? Say it with a time, e.g. \"remind me tomorrow at 9 to call the recruiter\".",
            ));
        };
        if when.with_timezone(&Utc) <= turn.now {
            return Ok(say(
                intent,
                "That time has already passed — when should it be?",
            ));
        }
        let text = slots.text.unwrap_or_else(|| "your reminder".to_owned());
        let reminder = turn
            .tracker
            .create_reminder(&text, when, turn.tz, slots.repeat.as_deref())
            .await?;
        if let Some(wake) = &self.scheduler_wake {
            wake.notify_one();
        }
        let text = match reminder.repeat.as_deref().and_then(describe) {
            Some(rhythm) => format!(
                "OK — I'll remind you {rhythm} to {}, starting {}.",
                reminder.text,
                local(&reminder, turn)
            ),
            None => format!(
                "OK — I'll remind you {} to {}.",
                local(&reminder, turn),
                reminder.text
            ),
        };
        Ok(say(intent, text))
    }

    pub(super) async fn list_reminders(&self, turn: &Turn) -> Result<Answer> {
        let reminders = turn.tracker.reminders().await?;
        if reminders.is_empty() {
            return Ok(say(
                Intent::ListReminders,
                "You have no reminders. Say e.g. \"remind me on Friday at 2pm to check on Datadog\".",
            ));
        }
        let mut text = format!("Your reminders ({}):", reminders.len());
        for r in &reminders {
            text.push_str(&format!("\n- #{} {} — {}", r.id, local(r, turn), r.text));
            if let Some(rhythm) = r.repeat.as_deref().and_then(describe) {
                text.push_str(&format!(" (repeats {rhythm})"));
            }
        }
        Ok(say(Intent::ListReminders, text))
    }

    /// "snooze 2 days": the reminder that fired last, pushed back from now.
    pub(super) async fn snooze(&self, turn: &Turn, slots: Slots) -> Result<Answer> {
        let intent = Intent::Snooze;
        let until = match (slots.duration, slots.when) {
            // Between a minute and a year: "snooze 100000000 weeks" is not a date.
            (Some(seconds), _) => {
                turn.now + Duration::seconds(seconds.clamp(60, MAX_SNOOZE_SECONDS))
            }
            (None, Some(when)) => when.with_timezone(&Utc),
            (None, None) => turn.now + Duration::days(1),
        };
        let fired = turn
            .tracker
            .reminders()
            .await?
            .into_iter()
            .filter(|r| r.state == ReminderState::Fired)
            .max_by(|a, b| a.due_at.cmp(&b.due_at));
        let Some(reminder) = fired else {
            return Ok(say(intent, "There is no reminder waiting to be snoozed."));
        };
        self.snooze_until(turn, reminder.id, until).await
    }

    async fn snooze_until(&self, turn: &Turn, id: i64, until: DateTime<Utc>) -> Result<Answer> {
        match turn.tracker.snooze_reminder(id, until).await? {
            Some(r) => {
                if let Some(wake) = &self.scheduler_wake {
                    wake.notify_one();
                }
                Ok(say(
                    Intent::Snooze,
                    format!("Snoozed until {}: {}.", local(&r, turn), r.text),
                ))
            }
            None => Ok(say(Intent::Snooze, replies::STALE_BUTTON)),
        }
    }

    /// A button on a nudge: `rem:done:<id>`, `rem:snooze:<id>:<seconds>`, `rem:stop:<id>`.
    /// Only acts on one of the person's own reminders that is still waiting.
    pub(super) async fn on_reminder_button(
        &self,
        turn: &mut Turn,
        pressed: &str,
    ) -> Result<Answer> {
        let parts: Vec<&str> = pressed.trim_start_matches(PREFIX).split(':').collect();
        let id = parts.get(1).and_then(|id| id.parse::<i64>().ok());
        let known = match id {
            Some(id) => turn
                .tracker
                .reminders()
                .await?
                .into_iter()
                .find(|r| r.id == id),
            None => None,
        };
        let Some(reminder) = known else {
            return Ok(say(Intent::Unknown, replies::STALE_BUTTON));
        };
        match parts[0] {
            "heard" => {
                let closed = turn
                    .tracker
                    .close_reminder(reminder.id, "complete_reminder")
                    .await?;
                match (closed, reminder.application_id) {
                    (None, _) => Ok(say(Intent::Unknown, replies::STALE_BUTTON)),
                    // "What is the new status of …?" with the status buttons.
                    (Some(_), Some(app)) => {
                        let slots = Slots {
                            application_id: Some(app),
                            ..Slots::default()
                        };
                        self.update(turn, slots, "").await
                    }
                    (Some(_), None) => Ok(say(Intent::Snooze, "Good to hear!")),
                }
            }
            // A series goes on by itself: "done" acknowledges this occurrence only.
            "done" if reminder.repeat.is_some() => Ok(say(
                Intent::Snooze,
                format!(
                    "✅ Done. Next time: {} — {}.",
                    local(&reminder, turn),
                    reminder.text
                ),
            )),
            "done" => match turn
                .tracker
                .close_reminder(reminder.id, "complete_reminder")
                .await?
            {
                Some(r) => Ok(say(Intent::Snooze, format!("✅ Done: {}.", r.text))),
                None => Ok(say(Intent::Unknown, replies::STALE_BUTTON)),
            },
            "stop" => match turn
                .tracker
                .close_reminder(reminder.id, "cancel_reminder")
                .await?
            {
                Some(r) => Ok(say(
                    Intent::Snooze,
                    format!("🛑 Stopped: I won't remind you about \"{}\" again.", r.text),
                )),
                None => Ok(say(Intent::Unknown, replies::STALE_BUTTON)),
            },
            "snooze" => {
                let seconds = parts
                    .get(2)
                    .and_then(|s| s.parse::<i64>().ok())
                    .unwrap_or(86_400)
                    .clamp(60, MAX_SNOOZE_SECONDS);
                self.snooze_until(turn, reminder.id, turn.now + Duration::seconds(seconds))
                    .await
            }
            _ => Ok(say(Intent::Unknown, replies::STALE_BUTTON)),
        }
    }
}

/// A reminder's time in the person's zone, e.g. "on Wed 25 Nov at 09:30".
fn local(reminder: &ReminderView, turn: &Turn) -> String {
    match DateTime::parse_from_rfc3339(&reminder.due_at) {
        Ok(due) => {
            let due = due.with_timezone(&turn.tz);
            format!("on {} at {}", due.format("%a %d %b"), due.format("%H:%M"))
        }
        Err(_) => reminder.due_at.clone(),
    }
}
