//! Reminders in conversation: "remind me …", "show my reminders", "snooze 2 days",
//! "cancel reminder #4", "stop nudging me about Stripe", and the buttons on a nudge (done,
//! heard back, snooze, stop). All through the `reminders` and `tracker` tools; button
//! payloads and reminder numbers are checked against the person's own reminders before
//! anything happens.

use super::actions::{Result, Target, Turn, say};
use super::reminder_picking::{fitting, last_nudged, waiting_about_an_application};
use super::reminder_times::{
    due_here, in_the_small_hours, local, moved_keeping, series_start, skipped_wall_time,
    small_hours_tomorrow,
};
use super::tool_client::{ReminderTime, Snooze};
use super::{Answer, Core, replies};
use crate::addressing::addressed;
use crate::recurrence::{Recurrence, RecurrenceError, describe};
use crate::scheduler::FOLLOW_UP_SNOOZE_SECONDS;
use crate::scheduler::payload::PREFIX;
use crate::store::Application;
use crate::tools::ReminderView;
use crate::tracker::title;
use crate::understand::time::resolve_local;
use crate::understand::{Intent, Slots};
use chrono::{Duration, Utc};

impl Core {
    pub(super) async fn set_reminder(&self, turn: &mut Turn, slots: Slots) -> Result<Answer> {
        let intent = Intent::SetReminder;
        if let Some(rule) = &slots.repeat
            && let Err(RecurrenceError::TooFrequent) = Recurrence::parse(rule)
        {
            return Ok(say(intent, replies::AT_MOST_DAILY));
        }
        let when = match (slots.when, &slots.repeat) {
            (Some(when), _) => Some(when),
            // "every Monday, remind me to review my pipeline": 09:00 from tomorrow on. A
            // month or a year needs its day said ("every year on my birthday" is asked).
            (None, Some(rule))
                if rule.contains("BYDAY=")
                    || !rule.contains("MONTHLY") && !rule.contains("YEARLY") =>
            {
                let tomorrow = turn.now.with_timezone(&turn.tz).date_naive() + Duration::days(1);
                let nine = tomorrow
                    .and_hms_opt(9, 0, 0)
                    .expect("09:00 is a valid time");
                Some(resolve_local(turn.tz, nine).fixed_offset())
            }
            (None, _) => None,
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
        let at = match slots.repeat.as_deref() {
            // A series keeps the time of day said, even when the clocks skip it on its first
            // day (that one occurrence is then later); the instant would have lost it.
            Some(rule) => {
                let said = when.with_timezone(&turn.tz).naive_local();
                let said = slots
                    .skipped_time
                    .map_or(said, |time| said.date().and_time(time));
                ReminderTime::Series {
                    rule,
                    from: series_start(rule, said, turn),
                }
            }
            None => ReminderTime::Once {
                at: when,
                timer: slots.from_now,
            },
        };
        let reminder = turn.tracker.create_reminder(&text, at, turn.tz).await?;
        if let Some(wake) = &self.scheduler_wake {
            wake.notify_one();
        }
        // The time of day said, when the clocks skip it on the day it is due: for a series,
        // its first occurrence's day, which need not be the day `when` named.
        let skipped = match reminder.repeat {
            Some(_) => skipped_wall_time(&reminder),
            None => slots.skipped_time,
        };
        let clocks = |first: &str| match (skipped, due_here(&reminder, turn)) {
            (Some(said), Some(due)) => format!(
                " The clocks go forward that night and skip {}, so {first} at {}.",
                said.format("%H:%M"),
                due.format("%H:%M")
            ),
            _ => String::new(),
        };
        let text = match reminder.repeat.as_deref().and_then(describe) {
            Some(rhythm) => format!(
                "OK — I'll remind you {rhythm} to {}, starting {}.{}",
                addressed(&reminder.text),
                local(&reminder, turn),
                clocks("the first one is")
            ),
            None => format!(
                "OK — I'll remind you {} to {}.{}{}",
                local(&reminder, turn),
                addressed(&reminder.text),
                clocks("it's"),
                if slots.tomorrow && in_the_small_hours(turn) {
                    small_hours_tomorrow(&reminder, turn)
                } else {
                    String::new()
                }
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
        Ok(say(
            Intent::ListReminders,
            format!(
                "Your reminders ({}):{}",
                reminders.len(),
                reminder_lines(&reminders, turn)
            ),
        ))
    }

    /// "snooze 2 days": the reminder whose nudge, still unanswered, went out last, pushed
    /// back from now (a series is not: the answer says so); "snooze the
    /// Datadog one 2 days" / "snooze #4 until Monday": the one named, pushed back from its
    /// own time when that is still ahead.
    pub(super) async fn snooze(&self, turn: &Turn, slots: Slots) -> Result<Answer> {
        let intent = Intent::Snooze;
        let reminders = turn.tracker.reminders().await?;
        let named = fitting(&reminders, &slots);
        let reminder = match named.as_slice() {
            [one] => *one,
            [] if let Some(id) = slots.reminder_id => {
                return Ok(say(intent, format!("You have no open reminder #{id}.")));
            }
            [_, _, ..] => {
                return Ok(say(
                    intent,
                    format!(
                        "Several reminders fit — which one? Say e.g. \"snooze #{} 2 days\".{}",
                        named[0].id,
                        reminder_lines(named.iter().copied(), turn)
                    ),
                ));
            }
            // Words that name no reminder ("ugh, not now — snooze 3 hours"): the last nudge
            // still unanswered, a series' too (it is pending again by then, and is not
            // snoozed: the answer says so rather than moving some older reminder).
            _ => match last_nudged(&reminders) {
                Some(nudged) => nudged,
                None => return Ok(say(intent, "There is no reminder waiting to be snoozed.")),
            },
        };
        if reminder.repeat.is_some() {
            return Ok(say(intent, series_not_snoozed(reminder.id)));
        }
        let snooze = match (slots.duration, slots.when) {
            (Some(seconds), _) => Snooze::For(seconds),
            // "move the Datadog one to 3pm": 15:00 on its own day, while that is ahead;
            // "… to Friday": Friday at its own time.
            (None, Some(when)) => Snooze::Until(
                moved_keeping(reminder, &slots, turn).unwrap_or_else(|| when.with_timezone(&Utc)),
            ),
            (None, None) => Snooze::For(86_400),
        };
        self.snooze_one(turn, reminder.id, snooze).await
    }

    /// "not yet" in answer to a follow-up nudge still waiting ("Any news from Stripe?"):
    /// asked again later, as its 💤 button does. `None` when no such nudge is waiting.
    pub(super) async fn no_news_yet(&self, turn: &Turn) -> Result<Option<Answer>> {
        let reminders = turn.tracker.reminders().await?;
        let Some(follow_up) =
            waiting_about_an_application(&reminders, turn).filter(|r| r.kind == "follow_up")
        else {
            return Ok(None);
        };
        let snooze = Snooze::For(FOLLOW_UP_SNOOZE_SECONDS);
        Ok(self
            .snoozed(turn, follow_up.id, snooze)
            .await?
            .map(|later| {
                say(
                    Intent::Snooze,
                    format!("OK — no news yet. I'll ask again {}.", local(&later, turn)),
                )
            }))
    }

    /// The application whose automatic nudge went out last and still waits for an answer
    /// (sent within the last three days): what a reply naming no company is about.
    pub(super) async fn nudged_application(&self, turn: &Turn) -> Result<Option<i64>> {
        let reminders = turn.tracker.reminders().await?;
        Ok(waiting_about_an_application(&reminders, turn).and_then(|r| r.application_id))
    }

    /// Snooze the person's reminder `id` and say so, or say why not.
    async fn snooze_one(&self, turn: &Turn, id: i64, snooze: Snooze) -> Result<Answer> {
        if let Snooze::Until(until) = snooze
            && until <= turn.now
        {
            // "Snooze until tonight" said at 21:00 means 20:00: firing again at once, marked
            // late, is not what was asked.
            return Ok(say(
                Intent::Snooze,
                "That time has already passed — until when should I snooze it?",
            ));
        }
        match self.snoozed(turn, id, snooze).await? {
            Some(r) => Ok(say(
                Intent::Snooze,
                format!(
                    "💤 Snoozed: {} — now {}.",
                    addressed(&r.text),
                    local(&r, turn)
                ),
            )),
            None => Ok(say(Intent::Snooze, replies::STALE_BUTTON)),
        }
    }

    /// Snooze the person's reminder `id` and wake the scheduler for its new time; `None`
    /// when it is not theirs or not open any more.
    async fn snoozed(&self, turn: &Turn, id: i64, snooze: Snooze) -> Result<Option<ReminderView>> {
        let snoozed = turn.tracker.snooze_reminder(id, snooze).await?;
        if snoozed.is_some()
            && let Some(wake) = &self.scheduler_wake
        {
            wake.notify_one();
        }
        Ok(snoozed)
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
            "done" => match turn
                .tracker
                .close_reminder(reminder.id, "complete_reminder")
                .await?
            {
                Some(r) => Ok(say(Intent::Snooze, done(&r, turn))),
                None => Ok(say(Intent::Unknown, replies::STALE_BUTTON)),
            },
            // "Stop nudging" on an application's automatic nudge: none about it any more.
            "stop" if reminder.kind != "custom" && reminder.kind != "recurring" => {
                match reminder.application_id {
                    Some(app) => match turn.tracker.set_nudges(app, false).await? {
                        Some(app) => Ok(say(Intent::StopNudging, nudges_stopped(&app))),
                        None => Ok(say(Intent::Unknown, replies::STALE_BUTTON)),
                    },
                    None => Ok(say(Intent::Unknown, replies::STALE_BUTTON)),
                }
            }
            "stop" => match turn
                .tracker
                .close_reminder(reminder.id, "cancel_reminder")
                .await?
            {
                Some(r) => Ok(say(
                    Intent::Snooze,
                    format!(
                        "🛑 Stopped: I won't remind you about \"{}\" again.",
                        addressed(&r.text)
                    ),
                )),
                None => Ok(say(Intent::Unknown, replies::STALE_BUTTON)),
            },
            // Series nudges carry no snooze button; a payload that says otherwise gets the
            // same answer as the words would.
            "snooze" if reminder.repeat.is_some() => {
                Ok(say(Intent::Snooze, series_not_snoozed(reminder.id)))
            }
            "snooze" => {
                let seconds = parts
                    .get(2)
                    .and_then(|s| s.parse::<i64>().ok())
                    .unwrap_or(86_400);
                self.snooze_one(turn, reminder.id, Snooze::For(seconds))
                    .await
            }
            _ => Ok(say(Intent::Unknown, replies::STALE_BUTTON)),
        }
    }
}

impl Core {
    /// "stop nudging me about Stripe" / "nudge me about Stripe again": the automatic
    /// nudges of one application, off or on.
    pub(super) async fn set_nudges(
        &self,
        turn: &mut Turn,
        intent: Intent,
        slots: Slots,
        text: &str,
    ) -> Result<Answer> {
        let on = intent == Intent::ResumeNudging;
        let ask = if on {
            "Which application should I nudge you about again? Name the company or its number (#3)."
        } else {
            "Which application should I stop nudging you about? Name the company or its number (#3)."
        };
        let app = match self.one_target(turn, intent, slots, text, ask).await? {
            Target::Found(found) => found.0,
            Target::Asked(question) => return Ok(question),
        };
        turn.state.focus = Some(app.id);
        let Some(app) = turn.tracker.set_nudges(app.id, on).await? else {
            return Ok(say(intent, "That application no longer exists."));
        };
        if !on {
            return Ok(say(intent, nudges_stopped(&app)));
        }
        let next = turn
            .tracker
            .reminders()
            .await?
            .into_iter()
            .find(|r| r.application_id == Some(app.id));
        Ok(say(
            intent,
            match next {
                Some(next) => format!(
                    "🔔 OK — I'll nudge you about {} again. Next: {} — {}",
                    title(&app),
                    local(&next, turn),
                    addressed(&next.text)
                ),
                None => format!(
                    "🔔 OK — nudges about {} are on again. It is {}, so there is nothing to \
                     nudge you about until it moves on.",
                    title(&app),
                    app.status.label()
                ),
            },
        ))
    }

    /// "cancel reminder #4", "delete the Datadog reminder", "done with the portfolio
    /// reminder": one reminder, picked by its number or by words of its text, cancelled or
    /// done; several that fit are listed, not guessed between.
    pub(super) async fn close_named_reminder(
        &self,
        turn: &Turn,
        intent: Intent,
        slots: Slots,
    ) -> Result<Answer> {
        let (verb, tool) = match intent {
            Intent::CompleteReminder => ("done with reminder", "complete_reminder"),
            _ => ("cancel reminder", "cancel_reminder"),
        };
        let reminders = turn.tracker.reminders().await?;
        let mut fitting = fitting(&reminders, &slots);
        // "done" naming no reminder answers the nudge still waiting, as its button would.
        if intent == Intent::CompleteReminder
            && slots.reminder_id.is_none()
            && slots.text.is_none()
            && let Some(nudged) = last_nudged(&reminders)
        {
            fitting = vec![nudged];
        }
        match fitting.as_slice() {
            [one] => match turn.tracker.close_reminder(one.id, tool).await? {
                Some(r) if tool == "complete_reminder" => Ok(say(intent, done(&r, turn))),
                Some(r) if r.repeat.is_some() => Ok(say(
                    intent,
                    format!(
                        "Cancelled #{}: {} — it won't repeat any more.",
                        r.id,
                        addressed(&r.text)
                    ),
                )),
                Some(r) => Ok(say(
                    intent,
                    format!(
                        "Cancelled #{}: {} — it was due {}.",
                        r.id,
                        addressed(&r.text),
                        local(&r, turn)
                    ),
                )),
                None => Ok(say(intent, "That reminder was already closed.")),
            },
            [] if reminders.is_empty() => Ok(say(intent, "You have no open reminders.")),
            [] => {
                let lead = match (slots.reminder_id, slots.text.as_deref()) {
                    (Some(id), _) => format!("You have no open reminder #{id}."),
                    (None, Some(about)) => format!("I found no reminder about \"{about}\"."),
                    (None, None) => "Which reminder?".to_owned(),
                };
                Ok(say(
                    intent,
                    format!(
                        "{lead} Say e.g. \"{verb} #{}\".{}",
                        reminders[0].id,
                        reminder_lines(&reminders, turn)
                    ),
                ))
            }
            several => Ok(say(
                intent,
                format!(
                    "Several reminders fit — which one? Say e.g. \"{verb} #{}\".{}",
                    several[0].id,
                    reminder_lines(several.iter().copied(), turn)
                ),
            )),
        }
    }
}

/// The answer to "stop nudging": what stopped and how to undo it.
fn nudges_stopped(app: &Application) -> String {
    format!(
        "🛑 OK — no more nudges about {}. To have them back, say \"nudge me about {} again\".",
        title(app),
        app.company
    )
}

/// The answer to "done": a one-off is closed, a series goes on by itself ("done" answers
/// the occurrence just sent).
fn done(reminder: &ReminderView, turn: &Turn) -> String {
    if reminder.repeat.is_some() {
        format!(
            "✅ Done. Next time: {} — {}.",
            local(reminder, turn),
            addressed(&reminder.text)
        )
    } else {
        format!("✅ Done: {}.", addressed(&reminder.text))
    }
}

/// The reminders as a list, a line each with its number, time and rhythm, for the person
/// to read or pick from.
fn reminder_lines<'a>(
    reminders: impl IntoIterator<Item = &'a ReminderView>,
    turn: &Turn,
) -> String {
    let mut lines = String::new();
    for r in reminders {
        lines.push_str(&format!(
            "\n- #{} {} — {}",
            r.id,
            local(r, turn),
            addressed(&r.text)
        ));
        if let Some(rhythm) = r.repeat.as_deref().and_then(describe) {
            lines.push_str(&format!(" (repeats {rhythm})"));
        }
    }
    lines
}

/// Why a recurring reminder is not snoozed, and what to do instead.
fn series_not_snoozed(id: i64) -> String {
    format!(
        "#{id} repeats, so I can't move it without moving the whole series. Say \"cancel \
         reminder #{id}\" to end it, or set a one-off reminder instead."
    )
}
