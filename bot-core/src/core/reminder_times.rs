//! A reminder's time in conversation: how it is said back on the person's clock, where a
//! series starts, where a reminder moved to a day or a time alone lands, and the notes a
//! confirmation adds (a time the clocks skip, "tomorrow" said after midnight).

use super::actions::Turn;
use crate::store::LOCAL_FORMAT;
use crate::tools::ReminderView;
use crate::understand::Slots;
use crate::understand::time::{resolve_local, skipped_by_clocks};
use chrono::{DateTime, Duration, NaiveDateTime, NaiveTime, Timelike, Utc};
use chrono_tz::Tz;

/// A reminder's time in the person's zone, e.g. "on Wed 25 Nov at 09:30".
pub(super) fn local(reminder: &ReminderView, turn: &Turn) -> String {
    match due_here(reminder, turn) {
        Some(due) => format!("on {} at {}", due.format("%a %d %b"), due.format("%H:%M")),
        None => reminder.due_at.clone(),
    }
}

/// Where a series said at the wall time `said` starts looking for its first occurrence. A
/// rule of weekdays ("every Tuesday and Thursday at 6pm") starts at the next time of day
/// said, today or tomorrow, not at the first day named (which the time found): said on a
/// Tuesday evening, Thursday comes first. Other rules keep their day ("every year on
/// March 28").
pub(super) fn series_start(rule: &str, said: NaiveDateTime, turn: &Turn) -> NaiveDateTime {
    if !rule.contains("BYDAY=") {
        return said;
    }
    let now = turn.now.with_timezone(&turn.tz).naive_local();
    let today = now.date().and_time(said.time());
    if today > now {
        today.min(said)
    } else {
        (today + Duration::days(1)).min(said)
    }
}

/// Whether it is between midnight and 05:00 for the person: a "tomorrow" said then often
/// means the day that has just begun.
pub(super) fn in_the_small_hours(turn: &Turn) -> bool {
    turn.now.with_timezone(&turn.tz).hour() < 5
}

/// Which day "tomorrow" was taken to be, said in the small hours, and how to have today.
pub(super) fn small_hours_tomorrow(reminder: &ReminderView, turn: &Turn) -> String {
    let today = turn.now.with_timezone(&turn.tz);
    format!(
        " It's already {} here, so tomorrow is {} — if you meant today, say \"move reminder #{} to today\".",
        today.format("%A"),
        (today + Duration::days(1)).format("%A"),
        reminder.id
    )
}

/// Where `reminder` moves when only a time of day or only a day was said: that time on its
/// own day, or that day at its own time (on the person's clock), if still ahead.
pub(super) fn moved_keeping(
    reminder: &ReminderView,
    slots: &Slots,
    turn: &Turn,
) -> Option<DateTime<Utc>> {
    let due = due_here(reminder, turn)?.naive_local();
    let wall = match (slots.time_alone, slots.day_alone) {
        (Some(time), _) => due.date().and_time(time),
        (None, Some(day)) => day.and_time(due.time()),
        (None, None) => return None,
    };
    let at = resolve_local(turn.tz, wall).with_timezone(&Utc);
    (at > turn.now).then_some(at)
}

/// When `reminder` is due, on the person's clock; `None` if the tool's time is unreadable.
pub(super) fn due_here(reminder: &ReminderView, turn: &Turn) -> Option<DateTime<Tz>> {
    DateTime::parse_from_rfc3339(&reminder.due_at)
        .ok()
        .map(|due| due.with_timezone(&turn.tz))
}

/// The wall time `reminder` keeps, when its zone's clocks skip it on the day it is due (a
/// series started in the spring-forward gap): it is due later that day than it says.
pub(super) fn skipped_wall_time(reminder: &ReminderView) -> Option<NaiveTime> {
    let kept = NaiveDateTime::parse_from_str(&reminder.local_time, LOCAL_FORMAT).ok()?;
    skipped_by_clocks(reminder.timezone.parse().ok()?, kept)
}
