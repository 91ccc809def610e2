//! What a due reminder says when it goes out: its text (late, or standing for occurrences
//! missed while the bot was away) and its buttons.

use super::payload;
use crate::addressing::addressed;
use crate::message::{Button, Outbound};
use crate::preferences::NudgePreferences;
use crate::store::Reminder;
use crate::understand::time::resolve_local;
use chrono::{DateTime, Duration as ChronoDuration, LocalResult, TimeZone, Utc};

/// A nudge sent later than this after its due time says so.
const LATE_AFTER: ChronoDuration = ChronoDuration::minutes(10);

/// When a reminder could first have been sent: its own time, or for an automatic nudge set
/// inside the person's quiet hours, their end. A nudge sent well after it is marked late.
/// Read from the wall time as set, which waiting out quiet hours keeps (it moves only the
/// due instant), so a nudge that was already late when it was held back says so; of the
/// two instants an ambiguous wall time has, the later one not past the due instant (the
/// one a snooze chose).
pub(super) fn sendable_at(reminder: &Reminder, quiet: NudgePreferences) -> DateTime<Utc> {
    let tz = reminder.timezone;
    let at = |local| match tz.from_local_datetime(&local) {
        LocalResult::Ambiguous(earlier, later) if later.with_timezone(&Utc) > reminder.due_at => {
            earlier.with_timezone(&Utc)
        }
        LocalResult::Ambiguous(_, later) => later.with_timezone(&Utc),
        _ => resolve_local(tz, local).with_timezone(&Utc),
    };
    let set_for = reminder.local_time;
    if !reminder.explicit_time && quiet.is_quiet(set_for.time()) {
        at(quiet.quiet_end_after(set_for))
    } else {
        at(set_for)
    }
}

/// How long a follow-up waits when there is no news yet (its 💤 button, or "not yet").
pub(crate) const FOLLOW_UP_SNOOZE_SECONDS: i64 = 3 * 86_400;

/// The nudge for a reminder fired at `now`, with its buttons. A follow-up asks for news;
/// anything else reminds. `missed` earlier occurrences of a recurring reminder (downtime)
/// are folded into this one message rather than sent as a storm. One sent well after
/// `sendable` (when it could first have gone) says when it was due.
pub(super) fn nudge(
    reminder: &Reminder,
    now: DateTime<Utc>,
    missed: usize,
    sendable: DateTime<Utc>,
) -> Outbound {
    let mut text = match reminder.kind.as_str() {
        "custom" | "recurring" => format!("⏰ Reminder: {}", addressed(&reminder.text)),
        _ => format!("👋 {}", reminder.text),
    };
    if now - sendable > LATE_AFTER {
        let due = sendable.with_timezone(&reminder.timezone);
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
            button(
                "💤 Snooze 3 days",
                format!("snooze:{id}:{FOLLOW_UP_SNOOZE_SECONDS}"),
            ),
            button("🛑 Stop nudging", format!("stop:{id}")),
        ],
        // The series goes on by itself: done acknowledges, stop ends it.
        "recurring" => vec![
            button("✅ Done", format!("done:{id}")),
            button("🛑 Stop repeating", format!("stop:{id}")),
        ],
        // Interview preparation and thank-you notes belong to an application: stopping
        // them stops every nudge about it.
        "interview_prep" | "thank_you" => vec![
            button("✅ Done", format!("done:{id}")),
            button("💤 Snooze 1 day", format!("snooze:{id}:86400")),
            button("🛑 Stop nudging", format!("stop:{id}")),
        ],
        _ => vec![
            button("✅ Done", format!("done:{id}")),
            button("💤 Snooze 1 day", format!("snooze:{id}:86400")),
            button("🛑 Stop", format!("stop:{id}")),
        ],
    };
    Outbound::with_buttons(text, buttons)
}
