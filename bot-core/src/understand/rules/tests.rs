//! The rules on the phrases that control reminders, and on their neighbours.

use super::super::{Context, Intent, Understanding, understand};
use chrono::{TimeZone, Utc};

fn read(text: &str) -> Understanding {
    let companies = ["Stripe".to_owned(), "Datadog".to_owned()];
    let ctx = Context {
        now: Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap(),
        tz: chrono_tz::Europe::Zurich,
        companies: &companies,
    };
    understand(text, &ctx)
}

#[test]
fn nudges_of_an_application_stop_and_restart_in_words() {
    for text in [
        "stop nudging me about Stripe",
        "no more follow-ups for Stripe please",
        "don't remind me about Stripe anymore",
        "please mute the nudges for Stripe",
    ] {
        let read = read(text);
        assert_eq!(read.intent, Intent::StopNudging, "{text}");
        assert_eq!(read.slots.company.as_deref(), Some("Stripe"), "{text}");
    }
    let unnamed = read("stop nudging me");
    assert_eq!(
        (unnamed.intent, unnamed.slots.company),
        (Intent::StopNudging, None)
    );
    for text in [
        "nudge me about Stripe again",
        "resume the follow-ups for Stripe",
    ] {
        let read = read(text);
        assert_eq!(read.intent, Intent::ResumeNudging, "{text}");
        assert_eq!(read.slots.company.as_deref(), Some("Stripe"), "{text}");
    }
}

#[test]
fn a_reminder_is_cancelled_by_number_or_by_what_it_is_about() {
    let by_number = read("cancel reminder #4");
    assert_eq!(by_number.intent, Intent::CancelReminder);
    assert_eq!(by_number.slots.reminder_id, Some(4));
    assert_eq!(by_number.slots.application_id, None);
    assert_eq!(read("delete reminder 12").slots.reminder_id, Some(12));
    let by_words = read("Please cancel my reminder about Anna!");
    assert_eq!(by_words.intent, Intent::CancelReminder);
    assert_eq!(by_words.slots.text.as_deref(), Some("anna"));
    assert_eq!(
        read("delete the Datadog reminder").slots.text.as_deref(),
        Some("datadog")
    );
    assert_eq!(read("delete all my reminders").slots.text, None);
    let done = read("done with the portfolio reminder");
    assert_eq!(
        (done.intent, done.slots.text.as_deref()),
        (Intent::CompleteReminder, Some("portfolio"))
    );
    let marked = read("mark reminder #7 as done");
    assert_eq!(
        (marked.intent, marked.slots.reminder_id),
        (Intent::CompleteReminder, Some(7))
    );
}

#[test]
fn reminder_commands() {
    let cancel = read("/cancel #4");
    assert_eq!(
        (cancel.intent, cancel.slots.reminder_id),
        (Intent::CancelReminder, Some(4))
    );
    let mute = read("/mute Stripe");
    assert_eq!(
        (mute.intent, mute.slots.company.as_deref()),
        (Intent::StopNudging, Some("Stripe"))
    );
    let unmute = read("/unmute #1");
    assert_eq!(
        (unmute.intent, unmute.slots.application_id),
        (Intent::ResumeNudging, Some(1))
    );
}

#[test]
fn a_snooze_may_name_its_reminder() {
    let by_words = read("snooze the Datadog one 2 days");
    assert_eq!(by_words.intent, Intent::Snooze);
    assert_eq!(by_words.slots.duration, Some(2 * 86_400));
    assert_eq!(by_words.slots.text.as_deref(), Some("datadog"));
    let by_number = read("snooze #4 until Monday at 10am");
    assert_eq!(by_number.slots.reminder_id, Some(4));
    assert!(by_number.slots.when.is_some());
    assert_eq!(read("snooze this for an hour").slots.text, None);
}

#[test]
fn moving_a_reminder_moves_it_and_sets_no_new_one() {
    let moved = read("move my Anna reminder to Friday");
    assert_eq!(moved.intent, Intent::Snooze);
    assert_eq!(moved.slots.text.as_deref(), Some("anna"));
    assert!(moved.slots.when.is_some());
    assert_eq!(moved.slots.time_alone, None, "a day was said");
    let changed = read("change the reminder for the portfolio to 3pm");
    assert_eq!(changed.intent, Intent::Snooze);
    assert_eq!(changed.slots.text.as_deref(), Some("portfolio"));
    assert_eq!(
        changed.slots.time_alone,
        chrono::NaiveTime::from_hms_opt(15, 0, 0)
    );
    assert_eq!(read("push it to tomorrow").intent, Intent::Snooze);
    assert_eq!(
        read("reschedule reminder #4 to next week")
            .slots
            .reminder_id,
        Some(4)
    );
    // "remind me again in 20 minutes" names no reminder.
    assert_eq!(read("remind me again in 20 minutes").slots.text, None);
    // News about an application is not a reminder moved.
    assert_eq!(read("move it to offer").intent, Intent::UpdateApplication);
    assert_ne!(
        read("move Stripe to interview and set a reminder to prep").intent,
        Intent::Snooze
    );
}

#[test]
fn done_alone_answers_a_nudge() {
    for text in [
        "done",
        "Done ✅",
        "I did it!",
        "ok, done",
        "mark it done",
        "I've done it",
    ] {
        let done = read(text);
        assert_eq!(done.intent, Intent::CompleteReminder, "{text}");
        assert_eq!(
            (done.slots.text, done.slots.reminder_id),
            (None, None),
            "{text}"
        );
    }
    assert_ne!(
        read("I'm done with Stripe, they never answer").intent,
        Intent::CompleteReminder
    );
    assert_eq!(
        read("when is my next reminder?").intent,
        Intent::ListReminders
    );
}

#[test]
fn a_snooze_to_a_time_with_am_is_not_a_minute() {
    for text in ["snooze till 9 am", "remind me again Monday 10 am"] {
        let snooze = read(text);
        assert_eq!(snooze.intent, Intent::Snooze, "{text}");
        assert_eq!(snooze.slots.duration, None, "{text}");
        assert!(snooze.slots.when.is_some(), "{text}");
    }
    for (text, seconds) in [
        ("snooze 30m", 1800),
        ("snooze for a day", 86_400),
        ("snooze half an hour", 1800),
        ("snooze 2 d", 2 * 86_400),
    ] {
        assert_eq!(read(text).slots.duration, Some(seconds), "{text}");
    }
}

#[test]
fn neighbours_keep_their_meaning() {
    for (text, intent) in [
        ("don't nudge me after 10pm", Intent::NudgeSettings),
        ("no nudges after 9pm please", Intent::NudgeSettings),
        ("no messages before 8:30", Intent::NudgeSettings),
        ("remind me again tomorrow", Intent::Snooze),
        (
            "remind me to follow up with Stripe again on Monday",
            Intent::SetReminder,
        ),
        ("remind me to cancel my gym membership", Intent::SetReminder),
        ("delete all my data", Intent::DeleteData),
        ("remove my Stripe application", Intent::RemoveApplication),
        ("what reminders do I have?", Intent::ListReminders),
    ] {
        assert_eq!(read(text).intent, intent, "{text}");
    }
}

#[test]
fn a_note_is_said_in_words_and_its_text_is_not_news() {
    for (text, company, note) in [
        (
            "add a note to Stripe: recruiter is Jane",
            "Stripe",
            "recruiter is Jane",
        ),
        (
            "note on stripe - ask about equity",
            "Stripe",
            "ask about equity",
        ),
        (
            "add note to my Datadog application: they rejected my friend",
            "Datadog",
            "they rejected my friend",
        ),
        (
            "Acme Corp note: salary range 150-180k",
            "Acme Corp",
            "salary range 150-180k",
        ),
    ] {
        let read = read(text);
        assert_eq!(read.intent, Intent::AddNote, "{text}");
        assert_eq!(read.slots.company.as_deref(), Some(company), "{text}");
        assert_eq!(read.slots.text.as_deref(), Some(note), "{text}");
    }
    assert_eq!(
        read("note for #3 - call back").slots.application_id,
        Some(3)
    );
    assert_eq!(read("Stripe rejected me").intent, Intent::UpdateApplication);
}

#[test]
fn show_with_a_tracked_company_alone_shows_it() {
    let shown = read("show Stripe");
    assert_eq!(
        (shown.intent, shown.slots.company.as_deref()),
        (Intent::ShowApplication, Some("Stripe"))
    );
    assert_eq!(read("open #3").slots.application_id, Some(3));
    // A company not tracked, and things that are not companies, are not shown.
    assert_eq!(read("show Google").intent, Intent::Unknown);
    assert_eq!(read("show my reminders").intent, Intent::ListReminders);
}
