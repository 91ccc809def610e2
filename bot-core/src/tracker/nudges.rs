//! The reminders an application plans for itself: a follow-up when nothing happens, help
//! the evening before an interview, and a thank-you note after it. They are automatic
//! (quiet hours apply; a preparation hour inside them moves to the hour before they start)
//! and are replanned whenever the status changes.

use super::Status;
use crate::preferences::NudgePreferences;
use crate::store::{Application, NewReminder};
use chrono::{DateTime, Duration, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;

/// Local time of day follow-ups are sent.
const FOLLOW_UP_TIME: (u32, u32) = (10, 0);
/// Hours after an interview for the thank-you note.
const THANK_YOU_AFTER_HOURS: i64 = 3;

fn at(date: chrono::NaiveDate, (h, m): (u32, u32)) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(h, m, 0).expect("constant time of day is valid"))
}

fn automatic(
    app: &Application,
    kind: &str,
    text: String,
    tz: Tz,
    local: NaiveDateTime,
) -> NewReminder {
    NewReminder {
        kind: kind.into(),
        application_id: Some(app.id),
        explicit_time: false,
        ..NewReminder::custom(text, tz, local)
    }
}

/// The evening before an interview at `prep`, or, when that falls in the person's quiet
/// hours (a preparation hour of 23 with quiet hours from 22:00), the hour before they
/// start: held until they end, "tomorrow" would arrive on the day itself, perhaps after the
/// interview.
fn before_quiet_hours(prep: NaiveDateTime, prefs: &NudgePreferences) -> NaiveDateTime {
    let earlier = prep.date().and_time(prefs.quiet_start) - Duration::hours(1);
    if prefs.is_quiet(prep.time()) && earlier.date() == prep.date() && earlier < prep {
        earlier
    } else {
        prep
    }
}

/// The follow-up for an application: the person's follow-up interval (default 7 days) after
/// `from` (its last news), at 10:00 in `tz`.
pub fn follow_up(
    app: &Application,
    tz: Tz,
    from: DateTime<Utc>,
    prefs: &NudgePreferences,
) -> NewReminder {
    let date =
        from.with_timezone(&tz).date_naive() + Duration::days(i64::from(prefs.follow_up_days));
    automatic(
        app,
        "follow_up",
        format!("Any news from {}?", app.company),
        tz,
        at(date, FOLLOW_UP_TIME),
    )
}

/// The automatic reminders an application needs after news: while it is still open, a
/// follow-up later; before a scheduled interview, preparation and a thank-you note; none
/// while the person has stopped its nudges. The caller writes them in the same transaction
/// as the news, replacing the unanswered ones (`Store::update_application_status`).
pub fn plan_after_news(
    app: &Application,
    scheduled_at: Option<DateTime<Utc>>,
    tz: Tz,
    now: DateTime<Utc>,
    prefs: &NudgePreferences,
) -> Vec<NewReminder> {
    let mut planned = Vec::new();
    if app.nudges_stopped_at.is_some() {
        return planned;
    }
    if app.status.is_open() {
        let last_news = scheduled_at.filter(|at| *at > now).unwrap_or(now);
        planned.push(follow_up(app, tz, last_news, prefs));
    }
    if let (Status::Interview | Status::Screening, Some(at_utc)) = (app.status, scheduled_at)
        && at_utc > now
    {
        let local = at_utc.with_timezone(&tz);
        let prep = before_quiet_hours(
            at(local.date_naive() - Duration::days(1), (prefs.prep_hour, 0)),
            prefs,
        );
        if crate::understand::time::resolve_local(tz, prep) > now {
            planned.push(automatic(
                app,
                "interview_prep",
                format!(
                    "Your {} interview is tomorrow at {} — want to go through likely questions?",
                    app.company,
                    local.format("%H:%M")
                ),
                tz,
                prep,
            ));
        }
        let after = (at_utc + Duration::hours(THANK_YOU_AFTER_HOURS)).with_timezone(&tz);
        planned.push(automatic(
            app,
            "thank_you",
            format!(
                "How did the {} interview go? A short thank-you note today helps.",
                app.company
            ),
            tz,
            after.naive_local(),
        ));
    }
    planned
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interview_at_nine(prep_hour: u32) -> Vec<NewReminder> {
        let now = DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z")
            .expect("a valid instant")
            .with_timezone(&Utc);
        let app = Application {
            id: 1,
            user_id: 1,
            company: "Stripe".into(),
            role: "Backend Engineer".into(),
            status: Status::Interview,
            applied_on: None,
            url: None,
            source: None,
            notes: String::new(),
            created_at: now,
            updated_at: now,
            nudges_stopped_at: None,
        };
        let prefs = NudgePreferences {
            prep_hour,
            ..NudgePreferences::default()
        };
        // Thursday 26 November, 09:00 in Zurich.
        let interview = now + Duration::hours(47);
        plan_after_news(
            &app,
            Some(interview),
            chrono_tz::Europe::Zurich,
            now,
            &prefs,
        )
    }

    #[test]
    fn a_prep_hour_inside_quiet_hours_moves_before_them() {
        let prep = |planned: Vec<NewReminder>| {
            planned
                .into_iter()
                .find(|r| r.kind == "interview_prep")
                .expect("a preparation nudge")
        };
        // Quiet from 22:00: 23:00 comes at 21:00 the evening before, still automatic.
        let late = prep(interview_at_nine(23));
        assert_eq!(late.local_time.to_string(), "2026-11-25 21:00:00");
        assert!(!late.explicit_time);
        let evening = prep(interview_at_nine(18));
        assert_eq!(evening.local_time.to_string(), "2026-11-25 18:00:00");
    }
}
