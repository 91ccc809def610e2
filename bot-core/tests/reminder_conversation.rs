//! Reminders handled in conversation, on both backends: snoozed, cancelled and marked done
//! by number or by words, never someone else's; "snooze 2 days" with no reminder named is
//! about the nudge still waiting for an answer that went out last.

mod support;

use bot_core::Store;
use support::conversation::{Harness, someone_elses_reminder};

async fn reminders_are_snoozed_cancelled_and_done_by_number_or_words(store: Store) {
    let h = Harness::new(store.clone());
    h.send("remind me tomorrow at 9 to call Anna about the offer", None)
        .await;
    h.send("remind me on Friday at 2pm to check on Datadog", None)
        .await;
    let user = store
        .resolve_user("telegram", "user-1", None)
        .await
        .unwrap()
        .id;
    let pending = || async {
        let mut texts: Vec<String> = store
            .list_reminders(user, false)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.text)
            .collect();
        texts.sort();
        texts
    };

    // Someone else's reminder is not one of ours to cancel.
    let (other, theirs) = someone_elses_reminder(&store).await;
    let refused = h
        .send(&format!("cancel reminder #{}", theirs.id), None)
        .await;
    assert!(
        refused
            .text
            .starts_with(&format!("You have no open reminder #{}", theirs.id)),
        "{refused:?}"
    );
    assert!(!refused.text.contains("their secret"), "{refused:?}");
    let refused = h.send(&format!("snooze #{} 2 days", theirs.id), None).await;
    assert_eq!(
        refused.text,
        format!("You have no open reminder #{}.", theirs.id)
    );
    assert_eq!(
        store.list_reminders(other, false).await.unwrap().len(),
        1,
        "their reminder stays"
    );

    // A reminder still ahead, named by words, is pushed back from its own time.
    let anna =
        |rs: Vec<bot_core::store::Reminder>| rs.into_iter().find(|r| r.text.contains("Anna"));
    let before = anna(store.list_reminders(user, false).await.unwrap()).unwrap();
    let snoozed = h.send("snooze the Anna one 2 days", None).await;
    assert!(
        snoozed
            .text
            .starts_with("💤 Snoozed: call Anna about the offer — now on "),
        "{snoozed:?}"
    );
    let after = anna(store.list_reminders(user, false).await.unwrap()).unwrap();
    assert_eq!(after.due_at - before.due_at, chrono::Duration::days(2));

    // A time already past is not a snooze: it would fire at once.
    let past = h
        .send("snooze the Anna one until yesterday at 9", None)
        .await;
    assert_eq!(
        past.text,
        "That time has already passed — until when should I snooze it?"
    );
    let unmoved = anna(store.list_reminders(user, false).await.unwrap()).unwrap();
    assert_eq!(unmoved.due_at, after.due_at);

    // Words that fit no reminder: the list to pick from, nothing cancelled.
    let unknown = h.send("cancel my reminder about the dentist", None).await;
    assert!(
        unknown
            .text
            .starts_with("I found no reminder about \"dentist\""),
        "{unknown:?}"
    );
    assert_eq!(pending().await.len(), 2);

    let cancelled = h.send("cancel my reminder about Anna", None).await;
    assert!(
        cancelled
            .text
            .contains("call Anna about the offer — it was due"),
        "{cancelled:?}"
    );
    assert_eq!(pending().await, ["check on Datadog"]);

    h.send("remind me on Monday at 10 to update the spreadsheet", None)
        .await;
    let spreadsheet = store
        .list_reminders(user, false)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.text.contains("spreadsheet"))
        .unwrap()
        .id;
    h.send(&format!("delete reminder #{spreadsheet}"), None)
        .await;
    assert_eq!(pending().await, ["check on Datadog"]);

    // Done, not cancelled: the reminder is closed as done.
    let done = h.send("done with the Datadog reminder", None).await;
    assert_eq!(done.text, "✅ Done: check on Datadog.");
    assert!(pending().await.is_empty());
    let states: Vec<(String, bot_core::store::ReminderState)> = store
        .list_reminders(user, true)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.text, r.state))
        .collect();
    assert!(
        states.contains(&(
            "check on Datadog".into(),
            bot_core::store::ReminderState::Done
        )),
        "{states:?}"
    );
    assert!(
        states.contains(&(
            "update the spreadsheet".into(),
            bot_core::store::ReminderState::Cancelled
        )),
        "{states:?}"
    );
}

async fn a_snooze_of_days_keeps_the_clock_time_across_the_change(store: Store) {
    let h = Harness::new(store.clone());
    // Zurich (the harness's zone) moves its clocks forward on Sunday 28 March 2027.
    h.send(
        "remind me on March 26 2027 at 10:00 to prepare the onsite",
        None,
    )
    .await;
    let onsite = store.list_reminders(1, false).await.unwrap();
    let onsite = onsite.iter().find(|r| r.text.contains("onsite")).unwrap();
    assert_eq!(
        onsite.due_at,
        chrono::DateTime::parse_from_rfc3339("2027-03-26T09:00:00Z").unwrap()
    );
    let snoozed = h.send(&format!("snooze #{} 3 days", onsite.id), None).await;
    assert!(snoozed.text.starts_with("💤 Snoozed"), "{snoozed:?}");
    let moved = store.reminder(1, onsite.id).await.unwrap().unwrap();
    assert_eq!(
        moved.due_at,
        chrono::DateTime::parse_from_rfc3339("2027-03-29T08:00:00Z").unwrap(),
        "10:00 CEST, not 11:00"
    );
}

async fn a_series_said_for_a_time_the_clocks_skip_keeps_that_time(store: Store) {
    let h = Harness::new(store.clone());
    // Zurich (the harness's zone) moves its clocks forward at 02:00 on Sunday 28 March 2027.
    let set = h
        .send(
            "remind me every year on March 28 at 2:30am to renew my certification",
            None,
        )
        .await;
    assert!(
        set.text.ends_with(
            "The clocks go forward that night and skip 02:30, so the first one is at 03:30."
        ),
        "{set:?}"
    );
    let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap();
    let wall = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap();
    let series = store.list_reminders(1, false).await.unwrap();
    let [series] = series.as_slice() else {
        panic!("one series: {series:?}")
    };
    assert_eq!(series.local_time, wall("2027-03-28T02:30"));
    assert_eq!(series.due_at, at("2027-03-28T01:30:00Z"), "03:30 CEST");

    // It goes out at 03:30 that night, and at 02:30 the next year.
    let scheduler = bot_core::scheduler::Scheduler::new(store.clone(), "worker");
    let fired = scheduler.tick(series.due_at).await.unwrap();
    assert_eq!(fired.len(), 1);
    let next = store.reminder(1, series.id).await.unwrap().unwrap();
    assert_eq!(next.local_time, wall("2028-03-28T02:30"));
    assert_eq!(next.due_at, at("2028-03-28T00:30:00Z"), "02:30 CEST");
}

async fn the_first_monday_of_every_month_comes_round_monthly(store: Store) {
    use chrono::Datelike;
    let h = Harness::new(store.clone());
    let set = h
        .send(
            "remind me every first Monday of the month to update my tracker",
            None,
        )
        .await;
    assert!(
        set.text.starts_with(
            "OK — I'll remind you on the first Monday of every month to update your tracker, starting on Mon"
        ),
        "{set:?}"
    );
    let first_monday = |at: chrono::NaiveDateTime| {
        at.weekday() == chrono::Weekday::Mon && at.day() <= 7 && at.time().to_string() == "09:00:00"
    };
    let series = store.list_reminders(1, false).await.unwrap();
    let [series] = series.as_slice() else {
        panic!("one series: {series:?}")
    };
    assert!(first_monday(series.local_time), "{series:?}");

    // Fired, it moves on to the first Monday of the next month, not to next week.
    let scheduler = bot_core::scheduler::Scheduler::new(store.clone(), "worker");
    assert_eq!(scheduler.tick(series.due_at).await.unwrap().len(), 1);
    let next = store.reminder(1, series.id).await.unwrap().unwrap();
    assert!(first_monday(next.local_time), "{next:?}");
    assert_eq!(
        next.local_time.month(),
        series.local_time.month() % 12 + 1,
        "{next:?}"
    );
}

async fn a_reminder_moved_keeps_its_day_or_its_time(store: Store) {
    let h = Harness::new(store.clone());
    h.send(
        "remind me on March 26 2027 at 10:00 to prepare the onsite",
        None,
    )
    .await;
    let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap();
    let due = || async {
        let all = store.list_reminders(1, false).await.unwrap();
        let [one] = all.as_slice() else {
            panic!("still one reminder, moved and not added: {all:?}")
        };
        one.due_at
    };

    // A time alone keeps the day: 15:00 on Friday 26 March, not the next 15:00.
    let moved = h.send("change the onsite reminder to 3pm", None).await;
    assert!(
        moved
            .text
            .starts_with("💤 Snoozed: prepare the onsite — now on Fri 26 Mar at 15:00"),
        "{moved:?}"
    );
    assert_eq!(due().await, at("2027-03-26T14:00:00Z"));

    // A day alone keeps the time: 15:00 on Tuesday 30 March, after the clocks changed.
    h.send("move my onsite reminder to March 30 2027", None)
        .await;
    assert_eq!(due().await, at("2027-03-30T13:00:00Z"), "15:00 CEST");
}

async fn done_answers_the_nudge_waiting_and_a_rhythm_too_fast_is_explained(store: Store) {
    let h = Harness::new(store.clone());
    let refused = h.send("remind me every 2 hours to drink water", None).await;
    assert!(
        refused
            .text
            .starts_with("I can repeat a reminder at most once a day"),
        "{refused:?}"
    );
    h.send("remind me tomorrow at 9 to call Anna", None).await;
    h.send("remind me tomorrow at 11 to send the portfolio", None)
        .await;
    let listed = h.send("when is my next reminder?", None).await;
    assert!(listed.text.starts_with("Your reminders (2):"), "{listed:?}");

    // Nothing went out yet: "done" names no reminder, so it is asked which.
    let which = h.send("done", None).await;
    assert!(which.text.starts_with("Which reminder?"), "{which:?}");

    // Anna's nudge goes out; "I did it" closes that one, not the other.
    let scheduler = bot_core::scheduler::Scheduler::new(store.clone(), "worker");
    let all = store.list_reminders(1, false).await.unwrap();
    let anna = all.iter().find(|r| r.text.contains("Anna")).unwrap();
    assert_eq!(scheduler.tick(anna.due_at).await.unwrap().len(), 1);
    let closed = h.send("I did it", None).await;
    assert_eq!(closed.text, "✅ Done: call Anna.");
    let open: Vec<String> = store
        .list_reminders(1, false)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.text)
        .collect();
    assert_eq!(open, ["send the portfolio"]);
}

/// The `Etc/GMT…` zone where it is now `hour` o'clock (every hour is somewhere).
fn zone_at_hour(hour: i64) -> String {
    use chrono::Timelike;
    let utc = i64::from(chrono::Utc::now().hour());
    // Etc/GMT-3 is three hours ahead of UTC: the sign is reversed.
    let ahead = (hour - utc + 24 + 12) % 24 - 12;
    format!("Etc/GMT{:+}", -ahead)
}

async fn tomorrow_said_in_the_small_hours_says_which_day_it_is(store: Store) {
    let h = Harness::new(store.clone());
    // Two o'clock at night, where this person is: "tomorrow" is the day after the one that
    // has just begun, and the answer says so and how to have today instead.
    h.send(&format!("/timezone {}", zone_at_hour(2)), None)
        .await;
    let night = h.send("remind me tomorrow at 9 to call Anna", None).await;
    let anna = store.list_reminders(1, false).await.unwrap()[0].clone();
    assert!(
        night.text.contains(&format!(
            "so tomorrow is {} — if you meant today, say \"move reminder #{} to today\".",
            anna.due_at
                .with_timezone(&zone_at_hour(2).parse::<chrono_tz::Tz>().unwrap())
                .format("%A"),
            anna.id
        )),
        "{night:?}"
    );
    let moved = h
        .send(&format!("move reminder #{} to today", anna.id), None)
        .await;
    assert!(moved.text.contains("at 09:00"), "{moved:?}");
    let today = store.reminder(1, anna.id).await.unwrap().unwrap();
    assert_eq!(today.due_at - anna.due_at, chrono::Duration::days(-1));

    // At midday "tomorrow" is plain.
    h.send(&format!("/timezone {}", zone_at_hour(12)), None)
        .await;
    let noon = h.send("remind me tomorrow at 9 to call Bob", None).await;
    assert!(!noon.text.contains("if you meant today"), "{noon:?}");
}

async fn an_answer_to_any_news_needs_no_company(store: Store) {
    let h = Harness::new(store.clone());
    h.send("I applied to Stripe for the backend role", None)
        .await;
    let follow_up = |company: &'static str| {
        let store = store.clone();
        async move {
            store
                .list_reminders(1, false)
                .await
                .unwrap()
                .into_iter()
                .find(|r| r.kind == "follow_up" && r.text.contains(company))
                .unwrap()
        }
    };
    let scheduler = bot_core::scheduler::Scheduler::new(store.clone(), "worker");
    let stripe = follow_up("Stripe").await;
    scheduler.tick(stripe.due_at).await.unwrap();
    h.sender.drain_due().await.unwrap();
    assert!(
        h.recorder
            .texts()
            .last()
            .unwrap()
            .contains("Any news from Stripe?"),
        "{:?}",
        h.recorder.texts()
    );

    // "not yet": asked again in three days, as the 💤 button would.
    let later = h.send("not yet", None).await;
    assert!(
        later
            .text
            .starts_with("OK — no news yet. I'll ask again on "),
        "{later:?}"
    );
    // (The test fired it ahead of time; it is pushed back from its own time.)
    let again = follow_up("Stripe").await;
    assert_eq!(again.due_at - stripe.due_at, chrono::Duration::days(3));

    // Asked again, news naming no company is about Stripe, not the other application.
    // (Its follow-up comes after Stripe's second one.)
    h.send("follow up after 14 days", None).await;
    h.send("I applied to Datadog for the SRE role", None).await;
    assert_eq!(scheduler.tick(again.due_at).await.unwrap().len(), 1);
    h.sender.drain_due().await.unwrap();
    let news = h
        .send("heard back, they want a second interview", None)
        .await;
    assert!(
        news.text
            .starts_with("Moved #1 **Stripe** — backend from Applied to **Interview**"),
        "{news:?}"
    );
    let apps = store.list_applications(1, None).await.unwrap();
    let statuses: Vec<_> = apps
        .iter()
        .map(|a| (a.company.as_str(), a.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("Stripe", bot_core::tracker::Status::Interview),
            ("Datadog", bot_core::tracker::Status::Applied)
        ]
    );
}

async fn a_series_of_weekdays_starts_on_the_first_to_come(store: Store) {
    let h = Harness::new(store.clone());
    // Today and the day after tomorrow, where the person is (Zurich): the first weekday
    // named is today, whose 18:00 may be past; then the other comes first, not next week.
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Zurich)
        .date_naive();
    let name = |d: chrono::NaiveDate| d.format("%A").to_string();
    h.send(
        &format!(
            "remind me every {} and {} at 6pm to go to the gym",
            name(today),
            name(today + chrono::Duration::days(2))
        ),
        None,
    )
    .await;
    let series = store.list_reminders(1, false).await.unwrap();
    let [series] = series.as_slice() else {
        panic!("one series: {series:?}")
    };
    let first = series.local_time.date();
    assert!(
        first == today || first == today + chrono::Duration::days(2),
        "the first to come, not a week on: {series:?}"
    );

    // A year needs its day: it is asked for, not set for tomorrow.
    let asked = h
        .send("remind me every year on my birthday to celebrate", None)
        .await;
    assert!(
        asked.text.starts_with("When should I remind you?"),
        "{asked:?}"
    );
}

async fn a_snooze_naming_no_reminder_is_about_the_last_nudge(store: Store) {
    let h = Harness::new(store.clone());
    h.send("remind me tomorrow at 9 to call Anna about the offer", None)
        .await;
    let scheduler = bot_core::scheduler::Scheduler::new(store.clone(), "worker");
    let now = chrono::Utc::now();
    assert_eq!(
        scheduler
            .tick(now + chrono::Duration::days(2))
            .await
            .unwrap()
            .len(),
        1,
        "Anna's reminder fires"
    );
    let anna = store.list_reminders(1, false).await.unwrap().remove(0);

    // A week on, the weekly review nudges: it is the one "snooze" is about now, and a
    // series is not snoozed; Anna's reminder, fired earlier, is left alone.
    h.send("remind me every Monday at 9 to review my pipeline", None)
        .await;
    assert_eq!(
        scheduler
            .tick(now + chrono::Duration::days(8))
            .await
            .unwrap()
            .len(),
        1,
        "the review fires"
    );
    let answer = h.send("snooze 2 days", None).await;
    assert!(
        answer.text.contains("repeats, so I can't move it"),
        "{answer:?}"
    );
    let unmoved = store.reminder(1, anna.id).await.unwrap().unwrap();
    assert_eq!((unmoved.state, unmoved.due_at), (anna.state, anna.due_at));

    // "✅ Done" on the review answers it, and it goes on; the nudge still waiting for an
    // answer is Anna's, so that is what "snooze" is about now.
    let review = store
        .list_reminders(1, false)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.rrule.is_some())
        .unwrap();
    let answer = h
        .send("✅ Done", Some(&format!("rem:done:{}", review.id)))
        .await;
    assert!(answer.text.starts_with("✅ Done. Next time:"), "{answer:?}");
    let answered = store.reminder(1, review.id).await.unwrap().unwrap();
    assert_eq!(answered.state, bot_core::store::ReminderState::Pending);
    assert!(
        answered.answered_nudge_at >= answered.last_fired_at,
        "{answered:?}"
    );
    let answer = h.send("snooze 2 days", None).await;
    assert!(
        answer.text.starts_with("💤 Snoozed: call Anna"),
        "{answer:?}"
    );
    assert_eq!(
        store.reminder(1, anna.id).await.unwrap().unwrap().state,
        bot_core::store::ReminderState::Pending,
        "snoozed, due again"
    );

    // When the review comes round again, it waits for an answer once more.
    assert_eq!(
        scheduler
            .tick(now + chrono::Duration::days(15))
            .await
            .unwrap()
            .len(),
        2,
        "the review and the snoozed reminder fire"
    );
    let answer = h.send("snooze 2 days", None).await;
    assert!(
        answer.text.contains("repeats, so I can't move it"),
        "due after Anna's, the review went out last: {answer:?}"
    );
}

async fn a_snooze_naming_no_reminder_is_about_the_nudge_still_waiting(store: Store) {
    let h = Harness::new(store.clone());
    h.send("remind me tomorrow at 9 to call Anna about the offer", None)
        .await;
    h.send("remind me tomorrow at 10 to email Bob the references", None)
        .await;
    let scheduler = bot_core::scheduler::Scheduler::new(store.clone(), "worker");
    let fired = scheduler
        .tick(chrono::Utc::now() + chrono::Duration::days(2))
        .await
        .unwrap();
    assert_eq!(fired.len(), 2, "both fire, in one batch");

    // Fired together, they went out in due order: Bob's came last.
    let first = h.send("snooze 2 days", None).await;
    assert!(first.text.starts_with("💤 Snoozed: email Bob"), "{first:?}");
    // Bob's is snoozed now, not waiting for an answer: Anna's is the one still waiting.
    let second = h.send("snooze 2 days", None).await;
    assert!(
        second.text.starts_with("💤 Snoozed: call Anna"),
        "{second:?}"
    );
    let states: Vec<_> = store
        .list_reminders(1, false)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.state)
        .collect();
    assert_eq!(states, [bot_core::store::ReminderState::Pending; 2]);
}

both_backends!(
    a_snooze_naming_no_reminder_is_about_the_nudge_still_waiting,
    reminders_are_snoozed_cancelled_and_done_by_number_or_words,
    a_snooze_of_days_keeps_the_clock_time_across_the_change,
    a_series_said_for_a_time_the_clocks_skip_keeps_that_time,
    the_first_monday_of_every_month_comes_round_monthly,
    a_reminder_moved_keeps_its_day_or_its_time,
    done_answers_the_nudge_waiting_and_a_rhythm_too_fast_is_explained,
    tomorrow_said_in_the_small_hours_says_which_day_it_is,
    an_answer_to_any_news_needs_no_company,
    a_series_of_weekdays_starts_on_the_first_to_come,
    a_snooze_naming_no_reminder_is_about_the_last_nudge,
);
