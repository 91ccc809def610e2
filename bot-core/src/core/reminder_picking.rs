//! Which reminder a message is about: named by number or by words of its text, or the
//! nudge still waiting for an answer ("snooze 2 days", "done", "not yet").

use super::actions::Turn;
use crate::store::ReminderState;
use crate::tools::ReminderView;
use crate::understand::Slots;
use chrono::{DateTime, Duration, Utc};

/// The reminders a message names: by number, else those whose text (or kind) has every
/// word left of the request; none when it names none.
pub(super) fn fitting<'a>(reminders: &'a [ReminderView], slots: &Slots) -> Vec<&'a ReminderView> {
    let words: Vec<&str> = slots
        .text
        .as_deref()
        .map(|t| t.split_whitespace().collect())
        .unwrap_or_default();
    match slots.reminder_id {
        Some(id) => reminders.iter().filter(|r| r.id == id).collect(),
        None if words.is_empty() => Vec::new(),
        None => reminders
            .iter()
            .filter(|r| words.iter().all(|w| reminder_mentions(r, w)))
            .collect(),
    }
}

/// The one nudge about an application still waiting for an answer, sent within the last
/// three days (an answer much later is about something else); `None` when there are
/// several, which a reply naming no company cannot tell apart.
pub(super) fn waiting_about_an_application<'a>(
    reminders: &'a [ReminderView],
    turn: &Turn,
) -> Option<&'a ReminderView> {
    let mut waiting = reminders.iter().filter(|r| {
        r.state == ReminderState::Fired
            && r.application_id.is_some()
            && r.last_nudged_at
                .as_deref()
                .and_then(instant)
                .is_some_and(|at| turn.now - at <= Duration::days(3))
    });
    match (waiting.next(), waiting.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

/// The reminder whose nudge is still waiting for an answer and went out last: a fired
/// one-off, or a series (pending again as soon as it fires) not answered since. A one-off
/// already snoozed is pending, no longer waiting. Nudges fired together went out in due
/// order. Failing any record of when they went out (reminders fired before it was kept),
/// the fired one due last.
pub(super) fn last_nudged(reminders: &[ReminderView]) -> Option<&ReminderView> {
    let nudged_at = |r: &ReminderView| r.last_nudged_at.as_deref().and_then(instant);
    let waiting = |r: &ReminderView| {
        r.state == ReminderState::Fired
            || (r.repeat.is_some()
                && r.answered_nudge_at.as_deref().and_then(instant) < nudged_at(r))
    };
    reminders
        .iter()
        .filter(|r| waiting(r))
        .filter_map(|r| Some((nudged_at(r)?, r)))
        .max_by_key(|&(at, r)| (at, due_instant(r), r.id))
        .map(|(_, r)| r)
        .or_else(|| {
            reminders
                .iter()
                .filter(|r| r.state == ReminderState::Fired)
                .max_by_key(|r| due_instant(r))
        })
}

/// When a reminder is due, as an instant.
fn due_instant(reminder: &ReminderView) -> Option<DateTime<Utc>> {
    instant(&reminder.due_at)
}

/// An instant as the reminder tools write it (RFC 3339 with an offset).
fn instant(at: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(at)
        .ok()
        .map(|at| at.with_timezone(&Utc))
}

/// Whether one word the person used to pick a reminder fits it: in its text, or naming its
/// kind ("the follow-up", "the prep one").
fn reminder_mentions(reminder: &ReminderView, word: &str) -> bool {
    let kind = match word.trim_end_matches('s') {
        "follow-up" | "followup" | "follow" | "up" | "nudge" => "follow_up",
        "prep" | "preparation" | "interview" => "interview_prep",
        "thank-you" | "thanks" | "thank" | "you" | "note" => "thank_you",
        "repeating" | "recurring" | "weekly" | "daily" | "monthly" => "recurring",
        _ => "",
    };
    reminder.kind == kind || reminder.text.to_lowercase().contains(word)
}
