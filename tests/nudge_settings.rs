//! Black-box: recurring reminders and nudge settings said in conversation — "every Monday
//! at 9am remind me to review my pipeline", "quiet hours 23:00-07:00", "follow up after 10
//! days" — and the follow-up of a newly tracked application honouring that interval.

mod common;

use chrono::{Duration, Utc};
use common::{chat, ok_stdout};

fn chat_in_zurich(dir: &std::path::Path, script: &str) -> String {
    let input = format!("I live in Zurich\n{script}");
    ok_stdout(&chat(dir, None, "settings", input.as_bytes()))
}

#[test]
fn a_weekly_review_is_set_in_words_and_listed_with_its_rhythm() {
    let dir = tempfile::tempdir().unwrap();
    let out = chat_in_zurich(
        dir.path(),
        "every Monday at 9am remind me to review my pipeline\nshow my reminders\n",
    );
    assert!(
        out.contains("I'll remind you every Monday to review your pipeline, starting on Mon"),
        "{out}"
    );
    assert!(out.contains("at 09:00"), "{out}");
    assert!(out.contains("(repeats every Monday)"), "{out}");
}

#[test]
fn quiet_hours_and_intervals_are_the_persons_and_shape_new_follow_ups() {
    let dir = tempfile::tempdir().unwrap();
    let out = chat_in_zurich(
        dir.path(),
        "/nudges\n\
         quiet hours 23:00-07:00\n\
         follow up after 10 days\n\
         /nudges prep 7pm\n\
         /nudges quiet 25:00-07:00\n\
         follow up after 400 days\n\
         I applied to Stripe for the backend role\n\
         show my reminders\n",
    );
    assert!(
        out.contains("Quiet hours 22:00–08:00"),
        "defaults first: {out}"
    );
    assert!(out.contains("Done. Quiet hours 23:00–07:00"), "{out}");
    assert!(out.contains("Follow-ups after 10 days"), "{out}");
    assert!(out.contains("at 19:00"), "{out}");
    assert!(
        out.contains("I did not catch a change there"),
        "an impossible time is not stored: {out}"
    );
    assert!(out.contains("between 1 and 92 days"), "{out}");
    let due = (Utc::now().with_timezone(&chrono_tz::Europe::Zurich) + Duration::days(10))
        .format("on %a %d %b at 10:00")
        .to_string();
    assert!(
        out.contains(&format!("{due} — Any news from Stripe?")),
        "follow-up {due}: {out}"
    );
}
