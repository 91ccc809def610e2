//! Reminders as people phrase them: what to be reminded of, when, and how often, read from
//! whole sentences through the public understanding entry point (Tuesday 1 December 2026,
//! 18:00 in Zurich).

use bot_core::understand::{Context, Intent, understand};
use chrono::{DateTime, Utc};

/// Intent, text, when (RFC 3339) and repeat rule of `text`.
fn read(text: &str) -> (Intent, Option<String>, Option<String>, Option<String>) {
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-12-01T18:00:00+01:00")
        .unwrap()
        .to_utc();
    let ctx = Context {
        now,
        tz: chrono_tz::Europe::Zurich,
        companies: &[],
    };
    let u = understand(text, &ctx);
    (
        u.intent,
        u.slots.text,
        u.slots.when.map(|w| w.to_rfc3339()),
        u.slots.repeat,
    )
}

fn reminder(
    text: &str,
    when: &str,
    repeat: Option<&str>,
) -> (Intent, Option<String>, Option<String>, Option<String>) {
    (
        Intent::SetReminder,
        Some(text.to_owned()),
        Some(when.to_owned()),
        repeat.map(str::to_owned),
    )
}

#[test]
fn a_part_of_the_day_said_with_every_is_a_daily_reminder() {
    assert_eq!(
        read("remind me every morning to check job boards"),
        reminder(
            "check job boards",
            "2026-12-02T09:00:00+01:00",
            Some("FREQ=DAILY")
        )
    );
    assert_eq!(
        read("each evening remind me to practise system design"),
        reminder(
            "practise system design",
            "2026-12-01T19:00:00+01:00",
            Some("FREQ=DAILY")
        )
    );
}

#[test]
fn the_nth_weekday_of_every_month_is_a_monthly_reminder() {
    // Monday 7 December is the first Monday of the month.
    assert_eq!(
        read("remind me every first Monday of the month to update my tracker"),
        reminder(
            "update my tracker",
            "2026-12-07T09:00:00+01:00",
            Some("FREQ=MONTHLY;BYDAY=1MO")
        )
    );
    let (_, text, _, repeat) =
        read("on the last Friday of every month remind me to send the invoice");
    assert_eq!(text.as_deref(), Some("send the invoice"));
    assert_eq!(repeat.as_deref(), Some("FREQ=MONTHLY;BYDAY=-1FR"));
}

#[test]
fn what_is_left_around_the_time_is_not_part_of_the_text() {
    assert_eq!(
        read("set a reminder for Friday 10am: prep for the Google onsite"),
        reminder(
            "prep for the Google onsite",
            "2026-12-04T10:00:00+01:00",
            None
        )
    );
    assert_eq!(
        read("remind me the day after tomorrow at 10 to call Bob"),
        reminder("call Bob", "2026-12-03T10:00:00+01:00", None)
    );
    // Punctuation inside the text stays.
    assert_eq!(
        read("remind me tomorrow at 9 to call Bob - urgent"),
        reminder("call Bob - urgent", "2026-12-02T09:00:00+01:00", None)
    );
}

#[test]
fn a_reminder_set_with_an_adjective_or_a_date_with_the_is_read_whole() {
    assert_eq!(
        read("set a weekly reminder on Sundays at 7pm to plan the week"),
        reminder(
            "plan the week",
            "2026-12-01T19:00:00+01:00",
            Some("FREQ=WEEKLY;BYDAY=SU")
        )
    );
    assert_eq!(
        read("remind me on the 1st of January to update my CV"),
        reminder("update my CV", "2027-01-01T09:00:00+01:00", None)
    );
}

#[test]
fn a_weekend_is_its_saturday() {
    assert_eq!(
        read("remind me this weekend to clean up my portfolio"),
        reminder("clean up my portfolio", "2026-12-05T09:00:00+01:00", None)
    );
    assert_eq!(
        read("remind me next weekend at 11 to call grandma"),
        reminder("call grandma", "2026-12-12T11:00:00+01:00", None)
    );
}
